"""The exact counting methods: ``oned``, ``arrangement``, ``polygon``, ``lp``, ``brute``."""

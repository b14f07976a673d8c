"""Figures (matplotlib is imported by these modules only): optimization, networks, regions."""

"""Exact arithmetic shared by the region methods.

Rational linear algebra, strict feasibility and certified float LPs.
"""

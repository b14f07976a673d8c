"""Exact edge subdivision: the polyhedral complex of a ReLU network on a box, certified."""

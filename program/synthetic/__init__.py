"""Synthetic editions for demos, tests and benchmarks (``manage.py generate_program``)."""

from program.synthetic.edition import InvalidEdition, generate_edition

__all__ = ["InvalidEdition", "generate_edition"]

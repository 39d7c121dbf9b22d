"""Versioned questionnaires."""
from flask import Blueprint

from crossover.instruments.api import api_blp

pages_bp = Blueprint("instruments", __name__)  # instruments are managed through the API

__all__ = ["api_blp", "pages_bp"]

"""Privacy notice: what personal data the app stores, why, and for how long."""

from models.about import PRIVACY_NOTICE
from ui.statement import show_statement

show_statement("Privacy: what this app stores about people", PRIVACY_NOTICE)

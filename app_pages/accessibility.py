"""Accessibility statement, on the GOV.UK model (Public Sector Bodies (Websites and Mobile
Applications) (No. 2) Accessibility Regulations 2018)."""

from models.about import ACCESSIBILITY_STATEMENT
from ui.statement import show_statement

show_statement("Accessibility statement", ACCESSIBILITY_STATEMENT)

"""Sharing agreements between municipalities: API, pages and the rules for keeping them."""

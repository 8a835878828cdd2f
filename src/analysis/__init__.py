"""Figures from Chinese S&T bureau work reports."""

"""Self-assessment on the LKE Zona Integritas worksheet and the projected score (issue 13)."""

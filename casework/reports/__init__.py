"""PDF documents built from plain data with reportlab. Nothing here imports Flask."""

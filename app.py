"""Flask entry point: `flask --app app …` finds `app` here."""

from casework import create_app

app = create_app()

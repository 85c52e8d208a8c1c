"""File responses for evidence: always an attachment, never sniffed, never cached."""

from flask import Response, send_file

from ..models import Evidence
from ..services.evidence import path_for


def evidence_response(evidence: Evidence):
    response = send_file(
        path_for(evidence.storage_key),
        mimetype=evidence.content_type or "application/octet-stream",
        as_attachment=True,
        download_name=evidence.original_name or "evidence",
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def pdf_response(pdf: bytes, filename: str):
    """A generated PDF, downloaded as an attachment and never cached."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response

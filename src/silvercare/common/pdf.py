"""HTML to PDF with WeasyPrint, the one way every capability prints: everything the page
needs is inline (fonts are the system's Noto CJK), no URL is fetched, and the PDF is tagged
for screen readers."""

from __future__ import annotations

from django.conf import settings


def html_to_pdf(html: str, *, identifier: str | None = None) -> bytes:
    """The PDF of ``html``; ``identifier`` becomes the PDF ``/ID``, so the same page renders
    to the same bytes with the same fonts and WeasyPrint version."""
    import weasyprint  # heavy (Pango, fonts): imported only when a PDF is made

    document = weasyprint.HTML(
        string=html,
        base_url=str(settings.BASE_DIR),
        url_fetcher=weasyprint.URLFetcher(allowed_protocols=()),
    )
    pdf: bytes = document.write_pdf(
        pdf_identifier=identifier.encode() if identifier else None, pdf_tags=True
    )
    return pdf

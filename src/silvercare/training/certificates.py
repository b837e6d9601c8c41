"""The completion certificate as a Chinese PDF (WeasyPrint with Noto CJK, like the
assessment report), carrying the verification code and the address of the public check."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from silvercare.training.models import Certificate

TEMPLATE = "training/certificate.html"


def certificate_pdf(certificate: Certificate) -> bytes:
    import weasyprint  # heavy (Pango, fonts): imported only when a certificate is rendered

    course = certificate.enrolment.session.course
    html = render_to_string(
        TEMPLATE,
        {
            "c": certificate,
            "course": course,
            "session": certificate.enrolment.session,
            "verify_path": reverse("training:verify"),
        },
    )
    document = weasyprint.HTML(
        string=html,
        base_url=str(settings.BASE_DIR),
        url_fetcher=weasyprint.URLFetcher(allowed_protocols=()),
    )
    pdf: bytes = document.write_pdf(
        pdf_identifier=f"silvercare-certificate-{certificate.code}".encode(),
        pdf_tags=True,
    )
    return pdf

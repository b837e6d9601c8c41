"""The completion certificate as a Chinese PDF (WeasyPrint with Noto CJK, like the
assessment report), carrying the verification code and the address of the public check."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from silvercare.common.pdf import html_to_pdf
from silvercare.training.models import Certificate

TEMPLATE = "training/certificate.html"


def certificate_pdf(certificate: Certificate) -> bytes:

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
    return html_to_pdf(html, identifier=f"silvercare-certificate-{certificate.code}")

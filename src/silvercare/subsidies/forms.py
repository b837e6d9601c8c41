"""Forms of the subsidies pages. People type yuan and percentages; the services take fen
and basis points (converted here, exactly, with Decimal)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silvercare.common.errors import DomainError
from silvercare.common.text import validate_name_text, validate_plain_text
from silvercare.elders.choices import Category, HukouType
from silvercare.subsidies.choices import ItemKind, Per
from silvercare.subsidies.models import PayerBody, Programme, ProgrammeVersion
from silvercare.subsidies.services import VersionValues

SHARE_SLOTS = 3
MAX_YUAN = Decimal("10000000000")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def yuan_field(label: Any, required: bool = False, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=MAX_YUAN,
        decimal_places=2,
        max_digits=14,
        **kwargs,
    )


def to_fen(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def to_yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


class VersionForm(forms.Form):
    """Everything a version says: rule, coverage, amount, limits, stacking, funding."""

    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)
    eligibility_rule = forms.CharField(
        label=_("Eligibility rule"),
        max_length=2000,
        # The rule is code: a translating browser must leave it alone.
        widget=forms.Textarea(
            attrs={"rows": 4, "spellcheck": "false", "class": "code", "translate": "no"}
        ),
        help_text=_(
            "A condition on the facts listed below, written in the expression language CEL; "
            "the samples below show how."
        ),
    )
    item_kinds = forms.MultipleChoiceField(
        label=_("Covers"), choices=ItemKind.choices, widget=forms.CheckboxSelectMultiple
    )
    item_codes = forms.CharField(
        label=_("Item codes"),
        required=False,
        max_length=4000,
        validators=[validate_plain_text],
        help_text=_("Device or service type codes, separated by commas; empty means any."),
    )
    amount_type = forms.ChoiceField(
        label=_("Amount"),
        choices=[
            ("percentage", _("Percentage with a cap")),
            ("fixed", _("Fixed amount")),
            ("tiered", _("Tiered by level or category")),
        ],
    )
    percent = forms.DecimalField(
        label=_("Percentage"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
    )
    base = forms.ChoiceField(
        label=_("Percentage of"),
        choices=[
            ("remaining", _("what is left after the programmes before it")),
            ("price", _("the full price")),
        ],
        required=False,
    )
    cap_yuan = yuan_field(_("Cap per unit (yuan)"))
    fixed_yuan = yuan_field(_("Fixed amount per unit (yuan)"))
    per = forms.ChoiceField(label=_("Unit"), choices=Per.choices)
    tiers = forms.CharField(
        label=_("Tiers"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(
            attrs={"rows": 4, "spellcheck": "false", "class": "code", "translate": "no"}
        ),
        help_text=_(
            "Only for tiered amounts: the tiers written like the sample below, amounts in "
            "fen (10000 fen are 100 yuan)."
        ),
    )
    yearly_limit_yuan = yuan_field(_("Yearly limit per elder (yuan)"))
    lifetime_limit_yuan = yuan_field(_("Lifetime limit per elder (yuan)"))
    stacking_priority = forms.IntegerField(
        label=_("Stacking priority"),
        min_value=0,
        max_value=1000,
        initial=100,
        help_text=_("Programmes with a lower number pay first."),
    )
    budgeted = forms.BooleanField(
        label=_("Drawn from a yearly budget"), required=False, initial=True
    )
    note = forms.CharField(
        label=_("What changed"), required=False, max_length=200, validators=[validate_plain_text]
    )

    def __init__(self, *args: Any, payers: list[PayerBody], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(p.code, p.name) for p in payers]
        for i in range(1, SHARE_SLOTS + 1):
            self.fields[f"payer_{i}"] = forms.ChoiceField(
                label=_("Payer %(n)s") % {"n": i}, choices=choices, required=i == 1
            )
            self.fields[f"share_{i}"] = forms.DecimalField(
                label=_("Share %(n)s (%%)") % {"n": i},
                required=i == 1,
                min_value=Decimal("0.01"),
                max_value=Decimal(100),
                decimal_places=2,
            )

    def clean_tiers(self) -> Any:
        text = self.cleaned_data.get("tiers") or ""
        if not text.strip():
            return None
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Give an object: {"by": …, "tiers": […]}.'))
        return value

    def amount_rule(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["amount_type"]
        if kind == "tiered":
            tiers = data.get("tiers") or {}
            return {"type": "tiered", **tiers}
        if kind == "fixed":
            return {
                "type": "fixed",
                "amount_fen": to_fen(data.get("fixed_yuan")),
                "per": data["per"],
            }
        rule: dict[str, Any] = {
            "type": "percentage",
            "percent_bp": to_fen(data.get("percent")),  # percent x 100 = basis points
            "per": data["per"],
            "base": data.get("base") or "remaining",
        }
        if data.get("cap_yuan") is not None:
            rule["cap_fen"] = to_fen(data["cap_yuan"])
        return rule

    def values(self) -> VersionValues:
        data = self.cleaned_data
        shares = []
        for i in range(1, SHARE_SLOTS + 1):
            payer, share = data.get(f"payer_{i}"), data.get(f"share_{i}")
            if payer and share is not None:
                shares.append((payer, int(to_fen(share) or 0)))
        codes = [c.strip() for c in (data.get("item_codes") or "").split(",") if c.strip()]
        return VersionValues(
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            eligibility_rule=data["eligibility_rule"],
            item_kinds=list(data["item_kinds"]),
            item_codes=codes,
            amount_rule=self.amount_rule(),
            yearly_limit_fen=to_fen(data.get("yearly_limit_yuan")),
            lifetime_limit_fen=to_fen(data.get("lifetime_limit_yuan")),
            stacking_priority=data["stacking_priority"],
            budgeted=bool(data.get("budgeted")),
            shares=shares,
            note=data.get("note") or "",
        )

    def show_errors(self, error: DomainError) -> None:
        """Put a service's field errors on the matching inputs."""
        mapping = {
            "shares": "share_1",
            "yearly_limit_fen": "yearly_limit_yuan",
            "lifetime_limit_fen": "lifetime_limit_yuan",
        }
        if not error.errors:
            self.add_error(None, str(error.message))
        for item in error.errors:
            name = mapping.get(item.field, item.field)
            if name.startswith("amount_rule"):
                name = (
                    "tiers" if self.cleaned_data.get("amount_type") == "tiered" else "amount_type"
                )
            elif name.startswith("shares."):
                name = f"payer_{int(name.split('.')[1]) + 1}"
            self.add_error(name if name in self.fields else None, str(item.message))


def version_initial(version: ProgrammeVersion | None) -> dict[str, Any]:
    if version is None:
        return {
            "valid_from": timezone.localdate().replace(month=1, day=1),
            "eligibility_rule": "true",
            "amount_type": "percentage",
            "base": "remaining",
            "per": Per.MONTH,
            "stacking_priority": 100,
            "budgeted": True,
        }
    rule = version.amount_rule
    initial: dict[str, Any] = {
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        "eligibility_rule": version.eligibility_rule,
        "item_kinds": version.item_kinds,
        "item_codes": ", ".join(version.item_codes),
        "amount_type": rule.get("type", "percentage"),
        "per": rule.get("per", Per.MONTH),
        "base": rule.get("base", "remaining"),
        "yearly_limit_yuan": to_yuan(version.yearly_limit_fen),
        "lifetime_limit_yuan": to_yuan(version.lifetime_limit_fen),
        "stacking_priority": version.stacking_priority,
        "budgeted": version.budgeted,
    }
    if rule.get("type") == "percentage":
        initial["percent"] = to_yuan(rule.get("percent_bp"))
        initial["cap_yuan"] = to_yuan(rule.get("cap_fen"))
    elif rule.get("type") == "fixed":
        initial["fixed_yuan"] = to_yuan(rule.get("amount_fen"))
    else:
        tiers = {k: v for k, v in rule.items() if k != "type"}
        initial["tiers"] = json.dumps(tiers, ensure_ascii=False)
    for i, share in enumerate(version.shares.all()[:SHARE_SLOTS], start=1):
        initial[f"payer_{i}"] = share.payer.code
        initial[f"share_{i}"] = to_yuan(share.share_bp)
    return initial


class ProgrammeForm(VersionForm):
    code = forms.SlugField(
        label=_("Programme code"),
        max_length=40,
        help_text=_(
            "Lower-case letters, digits and hyphens, unique among all programmes (a sample "
            "is below); people see the name."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_name_text])
    region_code = forms.ChoiceField(label=_("Area"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = ["code", "name", "region_code", "description"]

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region_code"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = regions
        self.order_fields(self.field_order)


class TestRunForm(forms.Form):
    """A sample elder: a real one by id, or facts typed in."""

    elder_id = forms.UUIDField(label=_("Elder id"), required=False)
    level = forms.TypedChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("not assessed"))] + [(str(n), str(n)) for n in range(5)],
        coerce=int,
        empty_value=None,
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=130, required=False)
    hukou_type = forms.ChoiceField(label=_("Hukou type"), choices=HukouType.choices, required=False)
    price_yuan = yuan_field(_("Price of one unit (yuan)"))
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "level": data.get("level"),
            "categories": list(data.get("categories") or []),
            "age": data.get("age") if data.get("age") is not None else 80,
            "hukou_type": data.get("hukou_type") or HukouType.LOCAL_URBAN,
            "region_code": "",
        }


class QuoteForm(forms.Form):
    item_kind = forms.ChoiceField(label=_("Item kind"), choices=ItemKind.choices)
    item_code = forms.CharField(
        label=_("Item code"), required=False, max_length=64, validators=[validate_plain_text]
    )
    item_label = forms.CharField(
        label=_("Item"), required=False, max_length=200, validators=[validate_plain_text]
    )
    price_yuan = yuan_field(_("Price of one unit (yuan)"), required=True)
    on = forms.DateField(label=_("Date"), widget=DATE)
    trade_in = forms.ChoiceField(label=_("Old device handed in"), required=False, choices=[])

    def __init__(self, *args: Any, trade_ins: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["trade_in"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("none"))] + [
            (str(t.pk), f"{t} · {to_yuan(t.credit_fen)}") for t in trade_ins
        ]
        if not trade_ins:
            field.widget = forms.HiddenInput()


class ReserveForm(forms.Form):
    units = forms.IntegerField(
        label=_("Units (e.g. months)"), min_value=1, max_value=120, initial=1
    )
    item_ref = forms.CharField(
        label=_("Reference"), required=False, max_length=100, validators=[validate_plain_text]
    )
    provider_ref = forms.CharField(
        label=_("Provider"),
        required=False,
        max_length=100,
        validators=[validate_plain_text],
        help_text=_("Who delivers: claims are made per provider."),
    )


class BudgetForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    region_code = forms.CharField(
        label=_("Area code"), max_length=12, validators=[validate_plain_text]
    )
    amount_yuan = yuan_field(_("Amount (yuan)"), required=True)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programmes
        self.fields["year"].initial = timezone.localdate().year


MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


def _text(label: Any, *, required: bool = False, max_length: int = 100) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, validators=[validate_plain_text]
    )


class ClaimPrepareForm(forms.Form):
    payer = forms.ModelChoiceField(label=_("Payer"), queryset=PayerBody.objects.none())
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m", "%Y-%m-%d"], widget=MONTH)
    provider_ref = _text(_("Provider (empty: every provider)"))

    def __init__(self, *args: Any, payers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["payer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = payers


class ClaimApproveForm(forms.Form):
    # The total the approver was shown: the service refuses if the lines no longer add up
    # to it.
    total_fen = forms.IntegerField(widget=forms.HiddenInput, min_value=-(10**12), max_value=10**12)


class ClaimRejectForm(forms.Form):
    reason = _text(_("Why the claim is refused"), required=True, max_length=200)


class ClaimSettleForm(forms.Form):
    payment_reference = _text(_("Payment reference"))


class DeliveryForm(forms.Form):
    amount_yuan = yuan_field(_("Amount delivered (yuan)"), required=True)
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE)
    provider_ref = _text(_("Provider (empty: the reservation's)"))
    note = _text(_("Note"), max_length=200)


class CorrectionForm(forms.Form):
    amount_yuan = yuan_field(_("The right amount (yuan)"), required=True)
    note = _text(_("Why"), max_length=200)


class ReverseForm(forms.Form):
    note = _text(_("Why"), max_length=200)


class VoucherBatchForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    code = forms.CharField(label=_("Batch code"), max_length=40, validators=[validate_plain_text])
    name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_name_text])
    region_code = forms.CharField(
        label=_("Area code"), max_length=12, validators=[validate_plain_text]
    )
    face_value_yuan = yuan_field(_("Face value (yuan)"), required=True)
    allow_partial = forms.BooleanField(label=_("May be redeemed in parts"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programmes


class VoucherCheckForm(forms.Form):
    code = forms.CharField(
        label=_("Voucher code"),
        max_length=40,
        validators=[validate_plain_text],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class VoucherRedeemForm(VoucherCheckForm):
    amount_yuan = yuan_field(_("Amount of the purchase paid by the voucher (yuan)"), required=True)
    merchant_ref = forms.CharField(label=_("Shop"), max_length=100, validators=[validate_name_text])


class TradeInForm(forms.Form):
    device_type = forms.CharField(
        label=_("Device type"),
        max_length=64,
        validators=[validate_plain_text],
        help_text=_("What the old device is, e.g. a wheelchair or a walker."),
    )
    brand = forms.CharField(label=_("Brand"), max_length=100, validators=[validate_name_text])
    serial = forms.CharField(
        label=_("Serial number"), max_length=100, validators=[validate_plain_text]
    )
    credit_yuan = yuan_field(_("Credit toward the new purchase (yuan)"), required=True)
    received_on = forms.DateField(label=_("Handed in on"), widget=DATE)
    note = _text(_("Note"), max_length=200)

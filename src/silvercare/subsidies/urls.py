from django.urls import path

from silvercare.subsidies import views
from silvercare.subsidies.views import claims, vouchers

app_name = "subsidies"
urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_new, name="new"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="detail"),
    path("programmes/<int:programme_id>/versions/new/", views.version_new, name="version_new"),
    path("versions/<int:version_id>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:version_id>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:version_id>/evaluate/", views.version_evaluate, name="evaluate"),
    path("versions/<int:version_id>/test-run/", views.version_test_run, name="test_run"),
    path("rules/check/", views.rule_check, name="rule_check"),
    path("budgets/", views.budget_list, name="budgets"),
    path("quote/<uuid:elder_id>/", views.quote_new, name="quote_new"),
    path("quotes/<uuid:quote_id>/", views.quote_detail, name="quote"),
    path("quotes/<uuid:quote_id>/reserve/", views.quote_reserve, name="reserve"),
    path("reservations/<uuid:reservation_id>/", claims.reservation_detail, name="reservation"),
    path(
        "reservations/<uuid:reservation_id>/deliveries/",
        claims.delivery_new,
        name="delivery_new",
    ),
    path(
        "reservations/<uuid:reservation_id>/release/",
        claims.reservation_release,
        name="release",
    ),
    path(
        "deliveries/<uuid:delivery_id>/reverse/", claims.delivery_reverse, name="delivery_reverse"
    ),
    path(
        "deliveries/<uuid:delivery_id>/correct/", claims.delivery_correct, name="delivery_correct"
    ),
    path("claims/", claims.claim_list, name="claims"),
    path("claims/<uuid:claim_id>/", claims.claim_detail, name="claim"),
    path("claims/<uuid:claim_id>/approve/", claims.claim_approve, name="claim_approve"),
    path("claims/<uuid:claim_id>/reject/", claims.claim_reject, name="claim_reject"),
    path("claims/<uuid:claim_id>/settle/", claims.claim_settle, name="claim_settle"),
    path("claims/<uuid:claim_id>/settlement.xlsx", claims.claim_xlsx, name="claim_xlsx"),
    path("claims/<uuid:claim_id>/summary.pdf", claims.claim_pdf, name="claim_pdf"),
    path("vouchers/", vouchers.batch_list, name="voucher_batches"),
    path("vouchers/batches/<int:voucher_batch_id>/", vouchers.batch_detail, name="voucher_batch"),
    path(
        "vouchers/batches/<int:voucher_batch_id>/issue/",
        vouchers.batch_issue,
        name="voucher_issue",
    ),
    path(
        "vouchers/batches/<int:voucher_batch_id>/expire/",
        vouchers.batch_expire,
        name="voucher_expire",
    ),
    path("vouchers/<uuid:voucher_id>/code/", vouchers.voucher_code, name="voucher_code"),
    path("vouchers/redeem/", vouchers.voucher_redeem, name="voucher_redeem"),
    path("trade-ins/<uuid:elder_id>/", vouchers.tradein_new, name="trade_in"),
]

"""URLs — assessment pages (mounted at /assessment/)."""

from django.urls import path

from funeng.apps.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("<int:assessment_id>/", views.wizard, name="wizard"),
    path("<int:assessment_id>/answer/", views.answer, name="answer"),
    path("<int:assessment_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:assessment_id>/submit/", views.submit, name="submit"),
    path("<int:assessment_id>/report/", views.report, name="report"),
    path("<int:assessment_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:evidence_id>/preview/", views.evidence_preview, name="evidence_preview"),
    path("evidence/<int:evidence_id>/inline/", views.evidence_inline, name="evidence_inline"),
    path("evidence/<int:evidence_id>/pages/<int:number>.png", views.evidence_page, name="evidence_page"),
    path("answers/<int:answer_id>/review/", views.review, name="review"),
    path("region/", views.region, name="region"),
    path("region/reports/", views.region_reports_pdf, name="region_reports_pdf"),
    path("region/enterprises/", views.region_enterprises, name="region_enterprises"),
    path("region/evidence/", views.queue, name="queue"),
]

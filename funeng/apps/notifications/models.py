"""Messages to an enterprise: what happened to its applications and receivables, in both languages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from funeng.apps.notifications.const import MAX_BODY, MAX_KEY, MAX_LINK, MAX_TITLE, Topic


class Notification(models.Model):
    """One message to an enterprise's users, written in Chinese and English when it is sent.

    `key` names the event (for example the decision on one application), so the same event never
    sends two messages, whatever retries or double submits happen upstream.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("enterprise"),
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    key = models.CharField(_("event"), max_length=MAX_KEY)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    title_en = models.CharField(_("title in English"), max_length=MAX_TITLE)
    body = models.TextField(_("message"), max_length=MAX_BODY, blank=True, default="")
    body_en = models.TextField(_("message in English"), max_length=MAX_BODY, blank=True, default="")
    # A path on this site (never an outside address): where the message's object is shown.
    link = models.CharField(_("link"), max_length=MAX_LINK, blank=True, default="")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "key"], name="notification_once_per_event"),
        ]
        indexes = [models.Index(fields=["enterprise", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

"""Digital service providers (服务商) and their vetting state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.validators import validate_region_code
from funeng.apps.providers.const import VettingState


class Provider(models.Model):
    """A digital service provider (服务商); it serves only once an official approves it."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region_code = models.CharField(_("region code"), max_length=6, validators=[validate_region_code])
    vetting_state = models.CharField(
        _("vetting state"), max_length=16, choices=VettingState.choices, default=VettingState.APPLIED
    )
    vetting_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return self.name

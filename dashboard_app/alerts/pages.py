"""The alerts' pages: the channels (add, edit, delete, send a test) and the notification log.
Each needs the matching permission on channels or notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, UpdateView

from dashboard_app.alerts import selectors, sender
from dashboard_app.alerts.forms import ChannelForm
from dashboard_app.alerts.tables import Channel, Notification, Status

LOG_PAGE = 50


@login_required
@permission_required("dashboard_app.view_channel", raise_exception=True)
def channel_list(request: HttpRequest) -> HttpResponse:
    channels = list(Channel.objects.prefetch_related("scripts"))
    failing = selectors.failing_channels(channel.pk for channel in channels)
    rows = [
        {"channel": channel, "target": selectors.shown_target(channel), "failing": channel.pk in failing}
        for channel in channels
    ]
    return render(request, "dashboard_app/channel_list.html", {"rows": rows})


class ChannelFormMixin(LoginRequiredMixin, PermissionRequiredMixin, SuccessMessageMixin):
    model = Channel
    form_class = ChannelForm
    template_name = "dashboard_app/channel_form.html"
    success_url = reverse_lazy("channel-list")
    raise_exception = True


class ChannelCreate(ChannelFormMixin, CreateView):
    permission_required = "dashboard_app.add_channel"
    success_message = gettext_lazy("Channel “%(name)s” was created.")


class ChannelUpdate(ChannelFormMixin, UpdateView):
    permission_required = "dashboard_app.change_channel"
    success_message = gettext_lazy("Channel “%(name)s” was saved.")


class ChannelDelete(LoginRequiredMixin, PermissionRequiredMixin, DeleteView):
    model = Channel
    permission_required = "dashboard_app.delete_channel"
    template_name = "dashboard_app/channel_confirm_delete.html"
    success_url = reverse_lazy("channel-list")
    raise_exception = True

    def form_valid(self, form):
        messages.success(self.request, _("Channel “%(name)s” was deleted.") % {"name": self.object.name})
        return super().form_valid(form)


@login_required
@permission_required("dashboard_app.change_channel", raise_exception=True)
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel, pk=pk)
    row = sender.send_test(channel)
    if row.status == Status.DELIVERED:
        messages.success(request, _("Test sent to “%(name)s” (%(status)s).") % {
            "name": channel.name, "status": row.last_status,
        })  # fmt: skip
    else:
        messages.error(request, _("The test to “%(name)s” failed: %(error)s") % {
            "name": channel.name, "error": row.last_error,
        })  # fmt: skip
    return redirect("channel-list")


@login_required
@permission_required("dashboard_app.view_notification", raise_exception=True)
def notification_log(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.select_related("channel", "script")
    channel_id, status = request.GET.get("channel", ""), request.GET.get("status", "")
    if channel_id.isdigit() and len(channel_id) < 19:
        rows = rows.filter(channel_id=int(channel_id))
    if status in Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, LOG_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page, "filter_query": query.urlencode(), "statuses": Status.choices,
        "channels": Channel.objects.only("pk", "name"), "chosen_channel": channel_id, "chosen_status": status,
    }  # fmt: skip
    return render(request, "dashboard_app/notification_log.html", context)

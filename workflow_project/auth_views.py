"""Signing in (the page, the admin's form, the API token endpoint), throttled so that
passwords cannot be guessed at speed."""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


class LoginThrottle(SimpleRateThrottle):
    """Sign-in attempts per client address and username, counted in Django's cache.

    The rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"]; the client
    address is found as for the API's throttles (NUM_PROXIES).
    """

    scope = "login"

    def get_cache_key(self, request: HttpRequest, view) -> str:
        username = request.POST.get("username", "").strip().casefold()
        # Hashed: the username is user input, and cache keys must stay short and plain.
        ident = hashlib.sha256(f"{self.get_ident(request)}\n{username}".encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ThrottledAuthenticationForm(AuthenticationForm):
    throttled = False

    def clean(self):
        if self.throttled:
            # Refused before the password is even checked.
            raise forms.ValidationError(
                _("Too many sign-in attempts. Wait a minute and try again."), code="throttled"
            )
        return super().clean()


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.throttle = LoginThrottle()
        self.throttled = not self.throttle.allow_request(request, self)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.throttled = getattr(self, "throttled", False)
        return form

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
            wait = self.throttle.wait()
            if wait is not None:
                response["Retry-After"] = str(max(1, round(wait)))
        return response


def throttled_admin_login(request: HttpRequest, **kwargs) -> HttpResponse:
    """The admin's own sign-in page, under the same throttle as the main one."""
    from django.contrib import admin

    if request.method == "POST":
        throttle = LoginThrottle()
        if not throttle.allow_request(request, None):
            response = HttpResponse(_("Too many sign-in attempts. Wait a minute and try again."), status=429)
            response["Retry-After"] = str(max(1, round(throttle.wait() or 60)))
            return response
    return admin.site.login(request, **kwargs)


class ThrottledObtainAuthToken(ObtainAuthToken):
    """POST username and password, get the API token; throttled per client address."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

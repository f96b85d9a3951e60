"""Tests' authenticator app: a confirmed TOTP device for a person and the code it shows now."""

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts.models import User


def authenticator(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def code_now(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def next_code(device: TOTPDevice) -> str:
    """A code the device will accept now. A code is good once (django-otp refuses a replay), so
    a second sign-in within the same 30 seconds answers with the next step's code, which the
    device's tolerance of one step accepts."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return code_now(device, offset_steps=1 if device.last_t >= now else 0)


def pass_second_step(client: Client, user: User) -> None:
    """After the password: the code page, answered with the person's authenticator."""
    response = client.post("/accounts/two-step/", {"code": next_code(authenticator(user))})
    assert response.status_code == 302, response.content.decode()[:500]

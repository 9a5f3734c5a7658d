"""SMTP verifies the server's certificate and host name before the password goes out: a relay with a
self-signed certificate (STARTTLS on 587 or TLS from the start on 465) never receives it and the mail
fails with a clear reason; the relay's CA given as MAIL_CA_FILE makes the same server trusted."""
import datetime
import ipaddress
import ssl
import threading

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from community.mail import delivery
from community.mail.models import PENDING, SENT
from tests.smtp_sink import free_port
from tests.test_mail import outbox, person, tell  # noqa: F401  (the fixture)
from community.notifications import kinds

PASSWORD = "relay-password-never-to-leak"


def throwaway_certificate(directory, names=("localhost",), ips=("127.0.0.1",)):
    """A self-signed certificate made for this test; returns (certificate path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([*map(x509.DNSName, names),
                                                    *(x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips)]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{names[0]}.pem", directory / f"{names[0]}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Relay:
    """aiosmtpd with TLS (STARTTLS required, or implicit TLS) that records every password offered."""

    def __init__(self, cert_path, key_path, implicit: bool):
        self.passwords, self.messages, self.lock = [], [], threading.Lock()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_path, key_path)
        self.port = free_port()
        # aiosmtpd counts only STARTTLS as TLS for AUTH; with TLS from the first byte every command is encrypted.
        options = ({"ssl_context": context, "auth_require_tls": False} if implicit else
                   {"tls_context": context, "require_starttls": True, "auth_require_tls": True})
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, authenticator=self.authenticate,
                                     **options)
        self.implicit = implicit

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        with self.lock:
            self.passwords.append(auth_data.password.decode())
        return AuthResult(success=True)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope.content)
        return "250 2.0.0 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def config(self, **extra):
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USERNAME": "kommunalnetz",
                "MAIL_PASSWORD": PASSWORD, "MAIL_USE_TLS": not self.implicit, "MAIL_USE_SSL": self.implicit,
                "MAIL_TIMEOUT": 5, **extra}


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "tls-465"])
def test_a_self_signed_relay_never_gets_the_password_and_the_mail_fails_clearly(app, person, tmp_path,  # noqa: F811
                                                                               implicit, caplog):
    cert_path, key_path = throwaway_certificate(tmp_path)
    with Relay(cert_path, key_path, implicit) as relay:
        app.config.update(relay.config())
        tell(person, kinds.CONTACT_REQUESTS)
        mail = outbox()[0]
        assert list(delivery.deliver([mail.id])) == [mail.id]  # to be retried, not sent
        assert relay.passwords == [] and relay.messages == []
        assert outbox()[0].status == PENDING and "certificate" in outbox()[0].last_error
        assert "MAIL_CA_FILE" in outbox()[0].last_error and "MAIL_CA_FILE" in caplog.text


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "tls-465"])
def test_the_relays_ca_as_mail_ca_file_makes_it_trusted(app, person, tmp_path, implicit):  # noqa: F811
    cert_path, key_path = throwaway_certificate(tmp_path)
    with Relay(cert_path, key_path, implicit) as relay:
        app.config.update(relay.config(MAIL_CA_FILE=str(cert_path)))
        tell(person, kinds.CONTACT_REQUESTS)
        assert delivery.deliver([outbox()[0].id]) == {}
        assert outbox()[0].status == SENT and relay.passwords == [PASSWORD] and len(relay.messages) == 1


def test_a_trusted_certificate_for_another_name_is_refused(app, person, tmp_path):  # noqa: F811
    cert_path, key_path = throwaway_certificate(tmp_path, names=("relay.example.org",), ips=())
    with Relay(cert_path, key_path, implicit=False) as relay:
        app.config.update(relay.config(MAIL_CA_FILE=str(cert_path)))
        tell(person, kinds.CONTACT_REQUESTS)
        delivery.deliver([outbox()[0].id])
        assert relay.passwords == [] and outbox()[0].status == PENDING
        assert "certificate" in outbox()[0].last_error

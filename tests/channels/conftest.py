"""Fixtures for the provider tests: keys, a TLS certificate, a moto server, an SMTP server."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from moto.server import ThreadedMotoServer

from herald.channels.config_aws import AwsSettings
from tests.channels.fakes.smtp import PASSWORD, SmtpHandler
from tests.channels.keys import Tls, make_tls
from tests.loopback_http import free_port

AWS_SECRET = "moto-secret-key-never-logged"


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_aws(moto_url: str) -> AwsSettings:
    return AwsSettings(
        region="us-east-1",
        endpoint_url=moto_url,
        access_key_id="AKIDHERALDTEST",
        secret_access_key=AWS_SECRET,
    )


@pytest.fixture
def smtp_server(tls: Tls) -> Iterator[tuple[SmtpHandler, int]]:
    """An SMTP submission server on loopback: STARTTLS required, then AUTH. (handler, port)"""
    handler = SmtpHandler(username="herald", password=PASSWORD)
    controller = serve_smtp(handler, tls)
    yield handler, controller.port
    controller.stop()


def serve_smtp(handler: SmtpHandler, tls: Tls, *, smtputf8: bool = True) -> Controller:
    """Start `handler` on a loopback port: STARTTLS required, then AUTH."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls.cert_file, tls.key_file)
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=handler.authenticate,
        auth_require_tls=True,
        enable_SMTPUTF8=smtputf8,
    )
    controller.start()
    return controller

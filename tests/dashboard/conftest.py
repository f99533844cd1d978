"""The moto server and AWS settings of the channel tests, for the end-to-end stream test."""

from tests.channels.conftest import moto_aws, moto_url

__all__ = ["moto_aws", "moto_url"]

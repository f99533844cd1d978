"""The moto server and AWS settings of the channel tests, shared with the stream tests."""

from tests.channels.conftest import moto_aws, moto_url

__all__ = ["moto_aws", "moto_url"]

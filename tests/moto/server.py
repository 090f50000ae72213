"""Starts moto's server for lambdascope's tests (test code only; the product never needs it).

moto 5.2.5 checks SigV4 signatures of bodiless requests (every Lambda GET) against a hash
of the query parameters instead of the empty payload, so with IAM enforcement on every
such request fails with SignatureDoesNotMatch. This launcher fixes that one expression
before starting the server; everything else is moto as shipped.

Usage: python server.py -H 127.0.0.1 -p PORT
"""
import sys

from moto.iam import access_control

_original = access_control.IAMRequestBase._create_aws_request


def _create_aws_request(self):
    if not self._body and self._method in ("GET", "HEAD", "DELETE"):
        saved, self._data = self._data, b""
        try:
            return _original(self)
        finally:
            self._data = saved
    return _original(self)


access_control.IAMRequestBase._create_aws_request = _create_aws_request

from moto.server import main  # noqa: E402  (after the fix)

sys.exit(main())

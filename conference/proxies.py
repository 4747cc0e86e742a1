"""Which address a request comes from, believing X-Forwarded-For only from trusted proxies.

Every proxy appends to X-Forwarded-For the address it received the request from, and a client
may send the header with anything in it. So the header is read from the right, and only as
far as the hops were added by proxies listed in ``DJANGO_TRUSTED_PROXIES``
(``settings.TRUSTED_PROXIES``): the first address that is not such a proxy is the client.
With no trusted proxy (the default) the header is ignored and the client is REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def trusted_networks(text):
    """``DJANGO_TRUSTED_PROXIES`` (comma-separated addresses or CIDR networks) as networks.

    Raises ImproperlyConfigured naming the first item that is neither.
    """
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"DJANGO_TRUSTED_PROXIES: “{item}” is not an IP address or a network such as "
                "10.0.0.0/8 or 127.0.0.1."
            ) from error
    return networks


def _address(text):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address):
    return any(address in network for network in settings.TRUSTED_PROXIES)


def from_trusted_proxy(request):
    """Whether ``request`` came straight from a proxy of ``DJANGO_TRUSTED_PROXIES``, whose
    forwarding headers (X-Forwarded-Port) are then its word, not a client's."""
    address = _address(request.META.get("REMOTE_ADDR", ""))
    return address is not None and _trusted(address)


def client_address(request):
    """The client's IPv4Address or IPv6Address, or None when REMOTE_ADDR is not an address."""
    address = _address(request.META.get("REMOTE_ADDR", ""))
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while address is not None and hops and _trusted(address):
        forwarded = _address(hops.pop())
        if forwarded is None:  # garbage where a trusted proxy should have written an address
            break
        address = forwarded
    return address


def counted_address(request):
    """The address a client is counted by (failed logins, API requests), or None.

    ``client_address``, except that an IPv6 client counts by its /64, given as the block's
    first address: one host (a home, a virtual server) usually holds a whole /64, so
    moving from one of its addresses to the next buys no new attempts.
    """
    address = client_address(request)
    if address is not None and address.version == 6:
        address = ipaddress.ip_network(f"{address}/64", strict=False).network_address
    return address


def client_ip(request):
    """``counted_address`` as text, or None: django-axes counts failed logins by it."""
    address = counted_address(request)
    return None if address is None else str(address)

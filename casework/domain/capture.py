"""Which web addresses Casework may capture itself, as pure rules.

Only http and https. Never the council's own private network, this machine
or other special addresses (a capture runs on the server, inside the
council's network) unless the address is in a network the configuration
allows, e.g. a test server on loopback.
"""

import ipaddress
from urllib.parse import urlsplit

from .intake import has_control_characters

URL_MAX = 2000
BAD_URL = "Enter a web address starting with http:// or https://"
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def networks(allowed) -> tuple:
    """The configured networks (strings like "10.20.0.0/16") as ip_network objects."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed or ())


def address_problem(address: str, allowed=()) -> str | None:
    """Why Casework must not fetch from this IP address, or None when it may."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "The address could not be understood"
    if getattr(ip, "ipv4_mapped", None) is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in networks(allowed)):
        return None
    if ip.is_loopback:
        return f"{address} is this server itself (a loopback address): Casework does not capture it"
    if ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return f"{address} is a private or internal address: Casework captures only public web pages"
    if not ip.is_global:
        return f"{address} is not a public address: Casework captures only public web pages"
    return None


def url_problem(url: str, allowed=()) -> str | None:
    """What is wrong with a web address to capture, judged before anything is fetched.

    Names that must be looked up are checked again when they are resolved
    (casework.capture_engine), for every request the page makes.
    """
    url = (url or "").strip()
    if not url:
        return "Enter the web address of the page to capture"
    if len(url) > URL_MAX or has_control_characters(url) or any(ch.isspace() for ch in url):
        return BAD_URL
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return BAD_URL
    if parts.scheme.lower() not in ("http", "https"):
        return f"Only web pages (http:// or https://) can be captured, not {parts.scheme or 'this'} addresses"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return BAD_URL
    if parts.username is not None or parts.password is not None:
        return "Remove the user name and password from the web address"
    if port == 0:
        return BAD_URL
    if host.lower() in LOCAL_NAMES or host.lower().endswith(".localhost"):
        return address_problem("127.0.0.1", allowed) and f"{host} is this server itself: Casework does not capture it"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: its addresses are checked when it is looked up
    return address_problem(host, allowed)

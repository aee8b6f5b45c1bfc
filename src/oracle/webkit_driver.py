# fetchguard's WebKitGTK driver: loads one URL in a fresh WebKit web context whose network
# goes through the run's loopback proxy, and writes the page's console messages to stdout
# (`enable-write-console-messages-to-stdout`). The Rust side (src/oracle/webkit.rs) ends
# the process once the page posted its results.
#
# Usage: python3 webkit_driver.py CONFIG.json
# CONFIG: {"url": ..., "proxy": "http://127.0.0.1:PORT", "data_dir": ...,
#          "cookie_policy": "ACCEPT_ALWAYS" | "NO_THIRD_PARTY",
#          "certs": {"host": "PEM", ...}}

import json
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gio, GLib, Gtk, WebKit2  # noqa: E402


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cfg = json.load(f)
    data = cfg["data_dir"]
    # The Rust side ends this process (SIGTERM) and lets xvfb-run end its Xvfb and clean up.
    with open(os.path.join(data, "driver.pid"), "w", encoding="utf-8") as f:
        f.write(str(os.getpid()))
    manager = WebKit2.WebsiteDataManager(
        base_data_directory=os.path.join(data, "data"),
        base_cache_directory=os.path.join(data, "cache"),
    )
    # An empty ignore list: every host, localhost included, goes through the proxy.
    proxy = WebKit2.NetworkProxySettings.new(cfg["proxy"], [])
    manager.set_network_proxy_settings(WebKit2.NetworkProxyMode.CUSTOM, proxy)
    manager.set_tls_errors_policy(WebKit2.TLSErrorsPolicy.FAIL)
    context = WebKit2.WebContext(website_data_manager=manager)
    # Accept-Language as a browser set to US English sends it (not the process locale's).
    context.set_preferred_languages(["en-US", "en"])
    for host, pem in cfg["certs"].items():
        cert = Gio.TlsCertificate.new_from_pem(pem, -1)
        context.allow_tls_certificate_for_host(cert, host)
    cookies = manager.get_cookie_manager()
    policy = {
        "ACCEPT_ALWAYS": WebKit2.CookieAcceptPolicy.ALWAYS,
        "NO_THIRD_PARTY": WebKit2.CookieAcceptPolicy.NO_THIRD_PARTY,
    }[cfg["cookie_policy"]]
    cookies.set_accept_policy(policy)
    cookies.set_persistent_storage(
        os.path.join(data, "cookies.sqlite"), WebKit2.CookiePersistentStorage.SQLITE
    )

    view = WebKit2.WebView(web_context=context)
    settings = view.get_settings()
    settings.set_enable_write_console_messages_to_stdout(True)

    def load_failed(_view, _event, uri, error):
        print("FG-WEBKIT load failed %s: %s" % (uri, error.message), file=sys.stderr, flush=True)
        return False

    view.connect("load-failed", load_failed)
    window = Gtk.Window()
    window.set_default_size(800, 600)
    window.add(view)
    window.show_all()
    window.connect("destroy", lambda *_: Gtk.main_quit())
    view.load_uri(cfg["url"])
    print("FG-WEBKIT started", file=sys.stderr, flush=True)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, Gtk.main_quit)
    Gtk.main()


if __name__ == "__main__":
    main()

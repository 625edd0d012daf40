# Varnish 7.x in front of filestore as its CDN edge (see README, "CDN delivery").
#
#  - caches delivery URLs (/cdn/...) for as long as their signature is valid (the origin's Surrogate-Control
#    max-age), ranges included (served from the cached object), credentials and cookies ignored;
#  - refuses expired delivery URLs itself (403), without asking the origin;
#  - PURGE or BAN with a Surrogate-Key header (space-separated keys) from a purger address bans every cached object
#    tagged with one of the keys (a ban on obj.* only, so the ban lurker clears memory in the background);
#  - passes everything else straight to the service, uncached.
#
# The backend below is the service; scripts/varnish.sh rewrites its host and port (BACKEND_HOST, BACKEND_PORT).
vcl 4.1;

import std;

backend filestore {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 60s;
}

# Who may purge: the service's own host(s). Add the service's addresses when it runs elsewhere.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.Surrogate-Key !~ "^[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*$") {
            return (synth(400, "Surrogate-Key: one or more keys of [A-Za-z0-9_-], space-separated"));
        }
        ban("obj.http.Surrogate-Key ~ (^|\s)(" + regsuball(req.http.Surrogate-Key, " ", "|") + ")(\s|$)");
        return (synth(200, "Banned"));
    }
    if (req.url ~ "^/cdn/") {
        if (req.method != "GET" && req.method != "HEAD") {
            return (pass);
        }
        if (req.url ~ "[?&]expires=[0-9]+(&|$)"
                && std.time(regsub(req.url, "^.*[?&]expires=([0-9]+).*$", "\1"), now) <= now) {
            return (synth(403, "Expired"));
        }
        # Delivery is the same for everyone: neither credentials nor cookies count.
        unset req.http.Authorization;
        unset req.http.Cookie;
        return (hash);
    }
    return (pass);
}

sub vcl_backend_response {
    if (bereq.url ~ "^/cdn/") {
        if (beresp.status != 200 || beresp.http.Set-Cookie) {
            set beresp.uncacheable = true;
            set beresp.ttl = 0s;
            return (deliver);
        }
        # As long as the URL is valid (Surrogate-Control: max-age=<seconds until it expires>), no grace: an expired
        # URL must never be served from a stale object.
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1s"), 0s);
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        unset beresp.http.Surrogate-Control;
        if (beresp.ttl <= 0s) {
            set beresp.uncacheable = true;
        }
        return (deliver);
    }
}

sub vcl_deliver {
    if (req.url ~ "^/cdn/") {
        if (obj.hits > 0) {
            set resp.http.X-Cache = "HIT";
        } else {
            set resp.http.X-Cache = "MISS";
        }
        # The purge tags are for the edge only.
        unset resp.http.Surrogate-Key;
        unset resp.http.Cache-Tag;
        unset resp.http.CDN-Cache-Control;
    }
}

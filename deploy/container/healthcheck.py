#!/usr/bin/env python3
"""The container's health check: GET http://127.0.0.1:8000/readyz (or the path given) with the Host of
PUBLIC_URL (the application answers other names 400); exit 0 on 200, 1 otherwise, with the reason."""
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

path = sys.argv[1] if len(sys.argv) > 1 else "/readyz"
port = os.environ.get("PORT", "8000")
host = urllib.parse.urlsplit(os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")).netloc
request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except urllib.error.HTTPError as error:
    print(f"{path}: {error.code} {error.read(500).decode(errors='replace')}")
except OSError as error:
    print(f"{path}: {error}")
sys.exit(1)

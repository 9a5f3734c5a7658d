"""The version string of this installation: `VERSION` at the top of the source tree (written at build by
`make version` or the image build, from git), else `git describe` of a checkout, else "unknown"."""
import subprocess
from functools import lru_cache

from community.config import BASE_DIR

VERSION_FILE = BASE_DIR / "VERSION"


def describe_git() -> str | None:
    """`git describe` of the source tree (tag, commits since, commit; "-dirty" with local changes)."""
    try:
        result = subprocess.run(["git", "-C", str(BASE_DIR), "describe", "--tags", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


@lru_cache(maxsize=1)
def version() -> str:
    if VERSION_FILE.is_file():
        written = VERSION_FILE.read_text(encoding="utf-8").strip()
        if written:
            return written
    return describe_git() or "unknown"

"""Print a fresh set of keys as an environment file: ``python -m yangguang.keys > var/yangguang.env``."""

import secrets


def main() -> None:
    print(f"YANGGUANG_SECRET_KEY={secrets.token_urlsafe(50)}")
    print(f"YANGGUANG_AUDIT_KEY={secrets.token_hex(32)}")
    print(f"YANGGUANG_PII_KEY={secrets.token_hex(16)}")


if __name__ == "__main__":
    main()

"""Sign-in response time for a wrong password vs an unknown username (issue 13: within
±20 ms of each other). Run: .venv/bin/python -m bench.sign_in_timing

Prints the median of each over 15 attempts on a fresh SQLite database and the difference.
Each attempt uses a new username/address so the back-off never starts.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from db.engine import make_engine, write_session
from db.migrate import upgrade
from db.models import User
from lib.security.sign_in import hash_password, sign_in

REPEAT = 15


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'timing.db'}"
        upgrade(url)
        engine = make_engine(url)
        with write_session(engine, "bench") as s:
            s.add(
                User(
                    username="sara",
                    display_name="S",
                    password_hash=hash_password("pw"),
                    role="leder",
                )
            )
        times: dict[str, list[float]] = {"wrong password": [], "unknown user": []}
        for n in range(REPEAT):
            for label, name in (("wrong password", "sara"), ("unknown user", f"nobody{n}")):
                start = time.perf_counter()
                sign_in(engine, name, f"wrong{n}", client=f"10.0.{n}.{len(label)}")
                times[label].append(time.perf_counter() - start)
            # Clear sara's count so every attempt is a plain failure.
            with engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM sign_in_throttle")
        medians = {k: statistics.median(v) * 1000 for k, v in times.items()}
        for label, ms in medians.items():
            print(f"{label:15s} median {ms:7.1f} ms")
        print(f"difference      {abs(medians['wrong password'] - medians['unknown user']):7.1f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()

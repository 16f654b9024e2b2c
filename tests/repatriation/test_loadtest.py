"""The load test's reading of wrk's report: rates, errors and latency percentiles."""

from repatriation.loadtest import load_table, wrk_parse

WRK = """Running 1m test @ http://127.0.0.1:40123/people/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   132.51ms   21.30ms 412.00ms   80.11%
    Req/Sec    60.13     12.05    90.00     70.00%
  Latency Distribution
     50%  131.84ms
     75%  142.10ms
     90%  155.00ms
     99%    1.02s
  7205 requests in 1.00m, 210.33MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:    120.01
Transfer/sec:      3.50MB
"""


def test_wrk_report_is_read_with_every_kind_of_error():
    figure = wrk_parse("case list", "/people/", WRK)
    assert figure.requests_per_second == 120.0  # to a tenth
    assert figure.requests == 7205
    assert figure.errors == 4 + 2 + 3
    assert figure.p50_ms == 131.84
    assert figure.p99_ms == 1020.0


def test_a_clean_run_has_no_errors_and_the_table_shows_the_ratio():
    clean = "\n".join(
        line for line in WRK.splitlines() if "errors" not in line and "Non-2xx" not in line
    )
    floor = wrk_parse("framework floor", "/__floor__", clean.replace("120.01", "1500.00"))
    page = wrk_parse("case list", "/people/", clean)
    assert floor.errors == page.errors == 0
    page.floor_ratio = round(page.requests_per_second / floor.requests_per_second, 2)
    assert "0.08" in load_table([floor, page])

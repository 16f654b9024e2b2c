"""URLs for the benchmark: the application's own, plus the framework floor."""

from repatriation.bench import bench_urlpatterns

urlpatterns = bench_urlpatterns()

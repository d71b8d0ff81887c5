// boost_bench: the same figures for Boost: fcontext's bare switch
// (jump_fcontext), and for Boost.Fiber a yield between two fibers,
// fiber creation and join, a round trip through two unbuffered
// channels, and the memory an idle fiber touches.
//
//	boost_bench N

#include <boost/context/detail/fcontext.hpp>
#include <boost/fiber/all.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <vector>

namespace ctx = boost::context::detail;
namespace fib = boost::fibers;

static long n;

static double
now()
{
	return std::chrono::duration<double, std::nano>(
	    std::chrono::steady_clock::now().time_since_epoch()).count();
}

static long
rss()
{
	long size, res;
	FILE *f = std::fopen("/proc/self/statm", "r");

	if (f == nullptr || std::fscanf(f, "%ld %ld", &size, &res) != 2)
		std::exit(1);
	std::fclose(f);
	return res * sysconf(_SC_PAGESIZE);
}

static void
bounce(ctx::transfer_t t)
{
	for (;;)
		t = ctx::jump_fcontext(t.fctx, nullptr);
}

int
main(int argc, char **argv)
{
	static char stack[64 * 1024];
	n = argc > 1 ? std::atol(argv[1]) : 1000000;

	ctx::fcontext_t f = ctx::make_fcontext(stack + sizeof(stack),
	    sizeof(stack), bounce);
	double t = now();
	for (long i = 0; i < n; i++)
		f = ctx::jump_fcontext(f, nullptr).fctx;
	std::printf("switch %.1f\n", (now() - t) / (2.0 * n));

	t = now();
	fib::fiber a([] { for (long i = 0; i < n; i++)
	    boost::this_fiber::yield(); });
	fib::fiber b([] { for (long i = 0; i < n; i++)
	    boost::this_fiber::yield(); });
	a.join();
	b.join();
	std::printf("yield %.1f\n", (now() - t) / (2.0 * n));

	t = now();
	for (long i = 0; i < n; i++) {
		fib::fiber c([] {});
		c.join();
	}
	std::printf("spawn_join %.1f\n", (now() - t) / n);

	fib::unbuffered_channel<long> ping, pong;
	fib::fiber p([&] { long v; while (ping.pop(v) ==
	    fib::channel_op_status::success) pong.push(v); });
	t = now();
	for (long i = 0; i < n; i++) {
		long v;

		ping.push(i);
		pong.pop(v);
	}
	std::printf("pingpong %.1f\n", (now() - t) / n);
	ping.close();
	p.join();

	const long nidle = 10000;
	fib::mutex m;
	fib::condition_variable cv;
	bool release = false;
	std::vector<fib::fiber> idle;
	long before = rss();
	for (long i = 0; i < nidle; i++)
		idle.emplace_back([&] { std::unique_lock<fib::mutex> l(m);
		    cv.wait(l, [&] { return release; }); });
	boost::this_fiber::yield();
	std::printf("idle_bytes %ld\n", (rss() - before) / nidle);
	{
		std::unique_lock<fib::mutex> l(m);
		release = true;
	}
	cv.notify_all();
	for (auto &x : idle)
		x.join();
	return 0;
}

// The epoll loop: timers, readers, posted work, run_sync, stop and signals.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "io/clock.hpp"
#include "io/event_loop.hpp"

namespace zt::io {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<EventLoop> make_loop() {
  std::string error;
  auto loop = EventLoop::create(&error);
  EXPECT_NE(loop, nullptr) << error;
  return loop;
}

// Ends a test that would otherwise hang if the loop never stops.
void add_watchdog(EventLoop& loop) {
  loop.schedule_after(5000, [&loop] {
    ADD_FAILURE() << "watchdog: the loop did not stop by itself";
    loop.stop();
  });
}

TEST(EventLoop, TimersFireInDeadlineOrderAndNotEarly) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::vector<std::string> order;
  std::vector<std::pair<std::int64_t, std::int64_t>> due_and_fired;
  const std::int64_t start = now_ms();
  auto at = [&](std::int64_t offset, std::string name) {
    const std::int64_t when = start + offset;
    loop->schedule_at(when, [&, when, name] {
      order.push_back(name);
      due_and_fired.emplace_back(when, now_ms());
    });
  };
  at(60, "d");
  at(20, "b");
  at(5, "a");
  at(40, "c1");
  at(40, "c2");  // same deadline: scheduling order
  loop->schedule_at(start + 80, [&] { loop->stop(); });
  add_watchdog(*loop);
  loop->run();
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c1", "c2", "d"}));
  for (auto [due, fired] : due_and_fired) {
    EXPECT_GE(fired, due);
    EXPECT_LT(fired - due, 1000);
  }
}

TEST(EventLoop, PastDeadlineFiresOnTheNextPass) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  bool fired = false;
  loop->schedule_at(now_ms() - 10000, [&] {
    fired = true;
    loop->stop();
  });
  add_watchdog(*loop);
  const std::int64_t start = monotonic_ms();
  loop->run();
  EXPECT_TRUE(fired);
  EXPECT_LT(monotonic_ms() - start, 1000);
}

TEST(EventLoop, CancelledTimerNeverFires) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  bool cancelled_fired = false;
  const TimerId doomed = loop->schedule_after(10, [&] { cancelled_fired = true; });
  EXPECT_NE(doomed, 0u);
  EXPECT_EQ(loop->pending_timers(), 1u);
  EXPECT_TRUE(loop->cancel(doomed));
  EXPECT_FALSE(loop->cancel(doomed));
  EXPECT_EQ(loop->pending_timers(), 0u);
  // A timer can also cancel one due in the same pass.
  TimerId second = 0;
  loop->schedule_after(20, [&] { EXPECT_TRUE(loop->cancel(second)); });
  second = loop->schedule_after(20, [&] { cancelled_fired = true; });
  loop->schedule_after(50, [&] { loop->stop(); });
  add_watchdog(*loop);
  loop->run();
  EXPECT_FALSE(cancelled_fired);
  EXPECT_FALSE(loop->cancel(12345));
}

TEST(EventLoop, ReaderRunsWhileReadableAndNotAfterRemove) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int reads = 0;
  ASSERT_TRUE(loop->add_reader(fds[0], [&] {
    char c;
    ASSERT_EQ(read(fds[0], &c, 1), 1);
    ++reads;
    if (reads == 3) {
      EXPECT_TRUE(loop->remove(fds[0]));
      // Still readable, but no longer ours to read.
      ASSERT_EQ(write(fds[1], "x", 1), 1);
      loop->schedule_after(30, [&] { loop->stop(); });
    }
  }));
  std::string error;
  EXPECT_FALSE(loop->add_reader(fds[0], [] {}, &error));
  EXPECT_NE(error.find("already registered"), std::string::npos);
  // Level-triggered: three bytes written at once are read one per pass.
  ASSERT_EQ(write(fds[1], "abc", 3), 3);
  add_watchdog(*loop);
  loop->run();
  EXPECT_EQ(reads, 3);
  EXPECT_FALSE(loop->remove(fds[0]));
  close(fds[0]);
  close(fds[1]);
}

TEST(EventLoop, PostFromAnotherThreadRunsOnTheLoopInOrder) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::thread::id loop_thread, ran_on;
  std::vector<int> seen;
  std::thread runner([&] {
    loop_thread = std::this_thread::get_id();
    loop->run();
  });
  std::thread poster([&] {
    for (int i = 0; i < 100; ++i) loop->post([&, i] {
      seen.push_back(i);
      ran_on = std::this_thread::get_id();
    });
    loop->post([&] { loop->stop(); });
  });
  poster.join();
  runner.join();
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_EQ(ran_on, loop_thread);
}

TEST(EventLoop, BeforeWaitRunsAfterEachPassOfWork) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  add_watchdog(*loop);
  std::vector<std::string> order;
  loop->add_before_wait([&] { order.push_back("flush"); });
  const std::uint64_t removed = loop->add_before_wait([&] { order.push_back("removed"); });
  loop->remove_before_wait(removed);
  // A timer whose work the hook must see before the loop sleeps again.
  loop->schedule_after(0, [&] { order.push_back("timer"); });
  loop->schedule_after(20, [&] {
    order.push_back("stop");
    loop->stop();
  });
  loop->run();
  // The hook runs before the first wait and right after the pass that ran
  // the timer; the loop ends without one after the stop.
  ASSERT_GE(order.size(), 4u);
  EXPECT_EQ(order.front(), "flush");
  const auto timer = std::find(order.begin(), order.end(), "timer");
  ASSERT_NE(timer, order.end());
  ASSERT_NE(timer + 1, order.end());
  EXPECT_EQ(*(timer + 1), "flush") << "the hook runs right after the pass that did work";
  EXPECT_EQ(order.back(), "stop");
  EXPECT_EQ(std::count(order.begin(), order.end(), "removed"), 0);
}

TEST(EventLoop, TryRunInlineRunsHereWhileTheLoopSleepsAndNotDuringAPass) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::thread runner([&] { loop->run(); });
  // Asleep (nothing to do): the work runs at once, on this thread. (The
  // loop may still be finishing the pass that answered run_sync: retry.)
  ASSERT_TRUE(loop->run_sync([] {}, 2s));
  std::thread::id ran_on;
  bool done = false;
  for (int attempt = 0; attempt < 1000 && !done; ++attempt) {
    done = loop->try_run_inline([&] { ran_on = std::this_thread::get_id(); });
    if (!done) std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(done);
  EXPECT_EQ(ran_on, std::this_thread::get_id());

  // In a pass (a posted task that waits for us): refused, nothing runs.
  std::atomic<bool> in_pass{false}, release{false};
  loop->post([&] {
    in_pass = true;
    while (!release) std::this_thread::sleep_for(1ms);
  });
  while (!in_pass) std::this_thread::sleep_for(1ms);
  bool ran = false;
  EXPECT_FALSE(loop->try_run_inline([&] { ran = true; }));
  EXPECT_FALSE(ran);
  release = true;

  // On the loop thread (inside a pass) it simply runs.
  const std::optional<bool> nested = loop->run_sync(
      [&] {
        bool inner = false;
        return loop->try_run_inline([&] { inner = true; }) && inner;
      },
      2s);
  EXPECT_EQ(nested, std::optional<bool>(true));
  loop->stop();
  runner.join();
  // Not running at all: runs here.
  EXPECT_TRUE(loop->try_run_inline([&] { ran = true; }));
  EXPECT_TRUE(ran);
}

TEST(EventLoop, InlineWorkNeverOverlapsThePass) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::atomic<int> inside{0};
  std::atomic<bool> overlap{false};
  auto enter = [&] {
    if (inside.fetch_add(1) != 0) overlap = true;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    inside.fetch_sub(1);
  };
  std::thread runner([&] { loop->run(); });
  std::atomic<bool> posted_all{false};
  std::thread poster([&] {
    for (int i = 0; i < 200; ++i) {
      loop->post(enter);
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    posted_all = true;
  });
  // Attempts until the poster is done and some inline runs got in between.
  int inline_runs = 0;
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while ((!posted_all || inline_runs < 10) && std::chrono::steady_clock::now() < give_up)
    inline_runs += loop->try_run_inline(enter) ? 1 : 0;
  poster.join();
  ASSERT_TRUE(loop->run_sync([] {}, 5s));
  loop->stop();
  runner.join();
  EXPECT_FALSE(overlap.load());
  EXPECT_GT(inline_runs, 0);
}

TEST(EventLoop, WithPassLockKeepsInlineWorkOut) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  // Not running: with_pass_lock holds the lock, so inline work is refused.
  bool inner_refused = false;
  std::thread other;
  loop->with_pass_lock([&] {
    other = std::thread([&] { inner_refused = !loop->try_run_inline([] {}); });
    other.join();
  });
  EXPECT_TRUE(inner_refused);
  EXPECT_TRUE(loop->try_run_inline([] {})) << "released afterwards";
  // Nested on the holding thread: runs.
  bool nested = false;
  loop->with_pass_lock([&] { loop->with_pass_lock([&] { nested = true; }); });
  EXPECT_TRUE(nested);
}

TEST(EventLoop, RunSyncReturnsTheResultFromTheLoopThread) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::thread::id loop_thread;
  std::thread runner([&] {
    loop_thread = std::this_thread::get_id();
    loop->run();
  });
  std::thread::id ran_on;
  int local = 41;
  std::optional<int> value = loop->run_sync(
      [&] {
        ran_on = std::this_thread::get_id();
        return ++local;
      },
      2s);
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, 42);
  EXPECT_EQ(ran_on, loop_thread);
  std::optional<std::string> text = loop->run_sync([] { return std::string("ok"); }, 2s);
  EXPECT_EQ(text, std::optional<std::string>("ok"));
  bool ran = false;
  EXPECT_TRUE(loop->run_sync([&] { ran = true; }, 2s));
  EXPECT_TRUE(ran);
  // From the loop thread itself it runs inline instead of deadlocking.
  std::optional<int> nested = loop->run_sync([&] { return *loop->run_sync([] { return 7; }, 1s); }, 2s);
  EXPECT_EQ(nested, std::optional<int>(7));
  loop->stop();
  runner.join();
}

TEST(EventLoop, RunSyncTimesOutAndThenNeverRuns) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  bool ran = false;
  const std::int64_t start = monotonic_ms();
  std::optional<int> value = loop->run_sync(
      [&] {
        ran = true;
        return 1;
      },
      50ms);
  EXPECT_FALSE(value.has_value());
  EXPECT_GE(monotonic_ms() - start, 50);
  EXPECT_FALSE(loop->run_sync([&] { ran = true; }, 10ms));
  // The abandoned work is dropped when the loop finally runs.
  loop->schedule_after(30, [&] { loop->stop(); });
  loop->run();
  EXPECT_FALSE(ran);
}

TEST(EventLoop, RunSyncWaitsForWorkThatAlreadyStarted) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::thread runner([&] { loop->run(); });
  std::atomic<bool> finished{false};
  // Longer than the timeout, but it started in time: the caller waits for it.
  bool ok = loop->run_sync(
      [&] {
        std::this_thread::sleep_for(100ms);
        finished = true;
      },
      20ms);
  EXPECT_TRUE(ok);
  EXPECT_TRUE(finished.load());
  loop->stop();
  runner.join();
}

TEST(EventLoop, StopFromAnotherThreadAndBeforeRun) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::atomic<bool> returned{false};
  std::thread runner([&] {
    loop->run();
    returned = true;
  });
  std::this_thread::sleep_for(30ms);
  EXPECT_FALSE(returned.load());
  loop->stop();
  runner.join();
  EXPECT_TRUE(returned.load());

  // A stop() that wins the race with run() is not lost; it is used up once.
  loop->stop();
  loop->run();
  bool second_run_waited = false;
  loop->schedule_after(10, [&] {
    second_run_waited = true;
    loop->stop();
  });
  loop->run();
  EXPECT_TRUE(second_run_waited);
}

TEST(EventLoop, IdleLoopDoesNotWakeUp) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::thread runner([&] { loop->run(); });
  std::this_thread::sleep_for(300ms);
  const std::uint64_t idle_wakeups = loop->wakeups();
  loop->stop();
  runner.join();
  EXPECT_EQ(idle_wakeups, 0u);

  // With one timer 200 ms out, the loop sleeps until it is due.
  loop->schedule_after(200, [&] { loop->stop(); });
  const std::uint64_t before = loop->wakeups();
  loop->run();
  EXPECT_LE(loop->wakeups() - before, 3u);
}

TEST(EventLoop, SigtermThroughSignalfdStopsTheLoop) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::string error;
  ASSERT_TRUE(loop->stop_on_signals(&error)) << error;
  // raise() targets this thread, which now blocks SIGTERM: it can only
  // arrive through the signalfd, never kill the test.
  loop->schedule_after(10, [] { raise(SIGTERM); });
  add_watchdog(*loop);
  const std::int64_t start = monotonic_ms();
  loop->run();
  EXPECT_LT(monotonic_ms() - start, 4000);
}

TEST(EventLoop, SignalHandlerGetsTheSignalNumber) {
  auto loop = make_loop();
  ASSERT_TRUE(loop);
  std::vector<int> seen;
  std::string error;
  ASSERT_TRUE(loop->handle_signals({SIGUSR1, SIGUSR2}, [&](int signo) {
    seen.push_back(signo);
    if (seen.size() == 2) loop->stop();
  }, &error)) << error;
  loop->schedule_after(10, [] { raise(SIGUSR1); });
  loop->schedule_after(20, [] { raise(SIGUSR2); });
  add_watchdog(*loop);
  loop->run();
  EXPECT_EQ(seen, (std::vector<int>{SIGUSR1, SIGUSR2}));
}

}  // namespace
}  // namespace zt::io

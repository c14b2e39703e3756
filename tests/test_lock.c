// SPDX-License-Identifier: MIT
/*
 * test_lock - lib/lock.h's holder record and lockdep_assert_held() (the
 * debug library's): the lock knows which thread holds it, trylock and
 * reinit keep that right, and the assertion stops a caller that does not
 * hold the lock.
 */
#include "internal.h"
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

static kh_lock_t lock = KH_LOCK_INIT;
static volatile int other_held;

static void test_held_by_the_taker(void)
{
	CHECK(!kh_lock_held(&lock));
	kh_lock(&lock);
	CHECK(kh_lock_held(&lock));
	kh_unlock(&lock);
	CHECK(!kh_lock_held(&lock));
}

static void test_trylock_records_holder(void)
{
	CHECK(kh_trylock(&lock));
	CHECK(kh_lock_held(&lock));
	CHECK(!kh_trylock(&lock));	/* held: fails, holder unchanged */
	CHECK(kh_lock_held(&lock));
	kh_unlock(&lock);
	CHECK(!kh_lock_held(&lock));
}

static void *hold_it(void *arg)
{
	(void)arg;
	kh_lock(&lock);
	other_held = kh_lock_held(&lock);
	kh_unlock(&lock);
	return NULL;
}

static void test_other_thread_is_not_us(void)
{
	pthread_t t;

	kh_lock(&lock);
	pthread_create(&t, NULL, hold_it, NULL);
	kh_unlock(&lock);		/* the thread takes it now */
	pthread_join(t, NULL);
	CHECK(other_held);		/* it held it in its own eyes */
	CHECK(!kh_lock_held(&lock));	/* and it is nobody's now */
}

static void test_reinit_forgets_holder(void)
{
	kh_lock(&lock);
	kh_lock_reinit(&lock);		/* what a fork child does */
	CHECK(!kh_lock_held(&lock));
	CHECK(kh_trylock(&lock));
	kh_unlock(&lock);
}

/* Called with lock held, and says so. */
static void needs_lock(void)
{
	lockdep_assert_held(&lock);
}

static int child_status(void (*fn)(void))
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 2);		/* the BUG report is expected */
		fn();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return status;
}

static void call_unlocked(void)
{
	needs_lock();
}

static void call_locked(void)
{
	kh_lock(&lock);
	needs_lock();
	kh_unlock(&lock);
}

static void test_assert_stops_unlocked_caller(void)
{
	int st = child_status(call_unlocked);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	st = child_status(call_locked);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	RUN(test_held_by_the_taker);
	RUN(test_trylock_records_holder);
	RUN(test_other_thread_is_not_us);
	RUN(test_reinit_forgets_holder);
	RUN(test_assert_stops_unlocked_caller);
	return check_summary();
}

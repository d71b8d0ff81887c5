// go_bench: the same figures for goroutines (GOMAXPROCS 1): a switch
// and a yield as runtime.Gosched between two goroutines, go+wait,
// a round trip through two unbuffered channels, and the memory an
// idle goroutine touches.
//
//	go run go_bench.go N
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		panic(err)
	}
	var size, res int64
	fmt.Sscan(string(b), &size, &res)
	return res * int64(os.Getpagesize())
}

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	runtime.GOMAXPROCS(1)
	var wg sync.WaitGroup
	t := time.Now()
	for k := 0; k < 2; k++ {
		wg.Add(1)
		go func() {
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	d := float64(time.Since(t).Nanoseconds()) / float64(2*n)
	fmt.Printf("switch %.1f\nyield %.1f\n", d, d)

	done := make(chan struct{})
	t = time.Now()
	for i := 0; i < n; i++ {
		go func() { done <- struct{}{} }()
		<-done
	}
	fmt.Printf("spawn_join %.1f\n", float64(time.Since(t).Nanoseconds())/float64(n))

	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	t = time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	fmt.Printf("pingpong %.1f\n", float64(time.Since(t).Nanoseconds())/float64(n))
	close(ping)

	const nidle = 10000
	release := make(chan struct{})
	before := rss()
	for i := 0; i < nidle; i++ {
		wg.Add(1)
		go func() { <-release; wg.Done() }()
	}
	runtime.Gosched()
	fmt.Printf("idle_bytes %d\n", (rss()-before)/nidle)
	close(release)
	wg.Wait()
}

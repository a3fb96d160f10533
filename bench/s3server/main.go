// An S3 API in memory on loopback for the large-model bench (P1.large.s3): gofakes3 serves a
// 300 MB object in a fraction of a second, where moto would measure itself.

package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	faker := gofakes3.New(s3mem.New())
	log.Fatal(http.ListenAndServe(*addr, faker.Server()))
}

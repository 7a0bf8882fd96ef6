// Package motoserver runs moto's standalone server mode (`moto_server`,
// moto 5, a local emulator of the AWS KMS JSON 1.1 API) for the duration of
// one test, on a free 127.0.0.1 port.
//
// Start skips the test when moto_server is not on PATH, waits until the
// server answers HTTP, and on cleanup kills its whole process group, so no
// emulator outlives the test. A server that fails to start fails the test
// with moto's own output.
//
// The one thing users get wrong: killing only the pid of moto_server. The
// launcher may leave a Python server holding the port; let Start's cleanup
// end it, and never start moto_server by hand in a test.
package motoserver

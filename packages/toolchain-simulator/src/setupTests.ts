// The simulator tests talk to real servers on 127.0.0.1 that the tests start
// themselves. Backstage's jest setup blocks `fetch`; wrapping it (as msw
// does) lets requests through. Nothing leaves the machine: every URL used in
// these tests is a loopback address of a server the test started.
const blocking = globalThis.fetch;
globalThis.fetch = (input: any, init?: any) => blocking(input, init);
export {};

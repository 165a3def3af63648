"""Chapter 12 package: asynchronous queues. No listing in this chapter imports another."""

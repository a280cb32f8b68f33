/**
 * The whole pipeline on one machine: a KRaft broker and an S3 server in this process, the schema registry and
 * kinfer's three services as child processes, the demo model fetched and verified. {@code ./kinfer up} runs it;
 * the end-to-end tests start exactly the same stack.
 */
package dev.kinfer.stack;

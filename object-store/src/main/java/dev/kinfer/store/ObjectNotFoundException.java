package dev.kinfer.store;

/** The object a reference names does not exist (a permanent failure for the request that names it). */
public class ObjectNotFoundException extends ObjectStoreException {
    public ObjectNotFoundException(String uri, Throwable cause) {
        super("no object at " + uri, false, cause);
    }
}

package dev.kinfer.catalog;

/**
 * A request parameter its model's task does not take or cannot parse ({@link TaskSpec#check}). The edge refuses the
 * request with {@code 400 invalid-parameter}; a worker fails that request alone, not its batch, with the same code.
 */
public final class InvalidParameterException extends RuntimeException {
    private final String parameter;

    /**
     * @param parameter the offending parameter's name
     * @param message   what is wrong with it, naming it
     */
    public InvalidParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    /** The name of the parameter refused. */
    public String parameter() {
        return parameter;
    }
}

package dev.kinfer.ingest;

/** The web page at {@code /} and its assets: static files from the classpath, public (the page asks for the API key). */
final class WebPage {
    /** Where the page's scripts, styles and images are served from. */
    static final String ASSETS = "/ui";

    private WebPage() {
    }
}

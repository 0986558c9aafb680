// kbgen: browser search and feedback are loaded from here.
import "./search.js";
import "./feedback.js";

// kbgen: browser search and feedback are loaded from here.
import "./feedback.js";

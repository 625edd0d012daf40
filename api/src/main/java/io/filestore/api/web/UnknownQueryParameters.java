package io.filestore.api.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses a request whose query string names a parameter its endpoint does not know (a typo such as {@code ?tag=x}
 * for {@code tags} would otherwise silently be ignored): 400 naming it. An endpoint knows its {@code @RequestParam}s
 * and the names in its {@link QueryParameters}. Only the query string is read, never a form body (an upload's).
 */
public class UnknownQueryParameters implements HandlerInterceptor {

    private final Map<HandlerMethod, Set<String>> known = new ConcurrentHashMap<>();

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)
                || !method.getBeanType().getName().startsWith("io.filestore.")) {
            return true;
        }
        String query = request.getQueryString();
        if (query == null || query.isEmpty()) {
            return true;
        }
        Set<String> allowed = known.computeIfAbsent(method, UnknownQueryParameters::allowed);
        if (allowed.contains("*")) {
            return true;
        }
        Set<String> unknown = new TreeSet<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!allowed.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new BadRequestException(first, "unknown query parameter" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(n -> "'" + shorten(n) + "'").toList())
                    + (allowed.isEmpty() ? "; this endpoint takes none" : "; known: " + String.join(", ", new TreeSet<>(allowed))));
        }
        return true;
    }

    private static Set<String> allowed(HandlerMethod method) {
        Set<String> names = new LinkedHashSet<>();
        for (MethodParameter parameter : method.getMethodParameters()) {
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            if (param == null) {
                continue;
            }
            if (Map.class.isAssignableFrom(parameter.getParameterType())) {
                names.add("*"); // the handler takes any parameter
            }
            String name = !param.name().isEmpty() ? param.name() : parameter.getParameterName();
            if (name != null) {
                names.add(name);
            }
        }
        QueryParameters declared = method.getMethodAnnotation(QueryParameters.class);
        if (declared != null) {
            names.addAll(Set.of(declared.value()));
        }
        return Set.copyOf(names);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("query", "malformed percent-encoding in the query string");
        }
    }

    private static String shorten(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "..." : name;
    }
}

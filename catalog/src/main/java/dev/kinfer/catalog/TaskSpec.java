package dev.kinfer.catalog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a task takes and gives, declared once ({@link TaskSpecs}): its images, its parameters, its output. The edge
 * describes models ({@code GET /v1/models}) and refuses bad requests with it; workers check every request with it
 * too, since producers may write to the request topics directly. A model may only narrow it with what needs the
 * loaded model (a classifier's {@code topK} is at most its number of labels).
 *
 * @param task        the manifest's {@code task}
 * @param description one line for users
 * @param inputs      the images, in the order a request carries them
 * @param params      the parameters; a request naming any other is refused
 * @param output      what a request is answered with
 * @param exclusive   sets of parameters of which a request may give at most one
 */
public record TaskSpec(String task, String description, List<InputSpec> inputs, List<ParamSpec> params, OutputSpec output,
                       List<Set<String>> exclusive) {
    public TaskSpec {
        inputs = List.copyOf(inputs);
        params = List.copyOf(params);
        exclusive = exclusive.stream().map(Set::copyOf).toList();
        Set<String> names = new HashSet<>();
        for (ParamSpec param : params) {
            if (!names.add(param.name())) {
                throw new IllegalArgumentException(task + " declares parameter " + param.name() + " twice");
            }
        }
    }

    public Optional<ParamSpec> param(String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** A parameter the caller knows this task declares. */
    public ParamSpec requireParam(String name) {
        return param(name).orElseThrow(() -> new IllegalArgumentException(task + " has no parameter " + name));
    }

    /** The input of this file part's name, if the task takes it. */
    public Optional<InputSpec> input(String name) {
        return inputs.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** The fewest images a request carries. */
    public int minImages() {
        return inputs.stream().filter(InputSpec::required).mapToInt(i -> 1).sum();
    }

    /** The most images a request carries. */
    public int maxImages() {
        return inputs.stream().mapToInt(InputSpec::maxCount).sum();
    }

    public boolean takesImages(int images) {
        return images >= minImages() && images <= maxImages();
    }

    /** The other parameters {@code name} may not be given with. */
    public Set<String> excludedBy(String name) {
        Set<String> others = new TreeSet<>();
        for (Set<String> group : exclusive) {
            if (group.contains(name)) {
                others.addAll(group);
            }
        }
        others.remove(name);
        return others;
    }

    /**
     * Refuses parameters this task does not take or cannot parse, naming the first offender in name order: unknown
     * names first, then values, then parameters that do not go together.
     *
     * @throws InvalidParameterException naming the parameter and what it takes
     */
    public void check(Map<String, String> requested) {
        Set<String> names = new TreeSet<>(requested.keySet());
        for (String name : names) {
            if (param(name).isEmpty()) {
                throw new InvalidParameterException(name, "'" + name + "' is not a parameter of " + task + "; " + takes());
            }
        }
        for (String name : names) {
            requireParam(name).check(requested.get(name));
        }
        for (Set<String> group : exclusive) {
            List<String> given = names.stream().filter(group::contains).toList();
            if (given.size() > 1) {
                throw new InvalidParameterException(given.get(1), "'" + given.get(0) + "' and '" + given.get(1) + "' do not go together");
            }
        }
    }

    /**
     * Everything wrong with the defaults a manifest's options give its parameters ({@link ParamSpec#defaultOption()});
     * empty if nothing. A model whose default a request could not give is refused when deployed.
     */
    public List<String> problems(Map<String, String> options) {
        List<String> problems = new ArrayList<>();
        for (ParamSpec param : params) {
            if (param.defaultOption() != null && options.containsKey(param.defaultOption())) {
                try {
                    param.check(options.get(param.defaultOption()));
                } catch (InvalidParameterException e) {
                    problems.add("option " + param.defaultOption() + " (the default of parameter " + param.name() + "): " + e.getMessage());
                }
            }
        }
        return problems;
    }

    /** "it takes only 'topK'", "it takes 'background' and 'idPhoto'", "it takes no parameters". */
    private String takes() {
        List<String> quoted = params.stream().map(p -> "'" + p.name() + "'").toList();
        return switch (quoted.size()) {
            case 0 -> "it takes no parameters";
            case 1 -> "it takes only " + quoted.getFirst();
            default -> "it takes " + String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and " + quoted.getLast();
        };
    }
}
